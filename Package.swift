// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "scr",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Scr", targets: ["Scr"]),
        .library(name: "ScrREPL", targets: ["ScrREPL"]),
        .executable(name: "scr", targets: ["ScrCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // HMAC-SHA256 for the remote REPL's challenge-response handshake.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // TLS for a REPL server reachable beyond loopback, and the self-signed certificate it makes
        // when it is given none (docs/remote.md, "TLS").
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
    ],
    targets: [
        .target(name: "CScrSupport"),
        .target(
            name: "Scr",
            dependencies: [
                "CScrSupport",
                // Async I/O for scripts (`net`, `http`, `process`, `io.read`): sockets, pipes and
                // timers on NIO's event loops, never on the script executor.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        .target(
            name: "ScrREPL",
            dependencies: [
                "Scr",
                "CEditLine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .executableTarget(
            name: "ScrCLI",
            dependencies: [
                "Scr",
                "ScrREPL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "CPtySupport",
            path: "Tests/CPtySupport",
            linkerSettings: [.linkedLibrary("util", .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "EmbeddingBench",
            dependencies: ["Scr"],
            path: "bench/embedding"
        ),
        .executableTarget(
            name: "NetLoad",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "bench/netload"
        ),
        .executableTarget(
            name: "EmbeddingProbe",
            dependencies: ["Scr", "ScrREPL"],
            path: "Tests/EmbeddingProbe"
        ),
        .testTarget(
            name: "ScrTests",
            dependencies: ["Scr", "ScrREPL", "CPtySupport", "EmbeddingProbe"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
