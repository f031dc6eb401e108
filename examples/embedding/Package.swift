// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "embedding-example",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "scr", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "Service",
            dependencies: [
                .product(name: "Scr", package: "scr"),
                .product(name: "ScrREPL", package: "scr"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
