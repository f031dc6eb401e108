// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "embedding-example",
    platforms: [.macOS(.v15)],
    dependencies: [
        // This example builds scr from the checkout it lives in. A real host names scr by URL and
        // version: .package(url: "https://…/scr.git", from: "0.1.0") (docs/embedding.md).
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
