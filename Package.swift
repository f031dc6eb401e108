// swift-tools-version:6.2
import PackageDescription
#if canImport(Glibc)
import Glibc

/// Whether the C library's loader reads packed relative relocations (DT_RELR, glibc 2.36 on): an
/// older one refuses to start a binary that has them.
let loaderReadsPackedRelocations: Bool = {
    var text = [CChar](repeating: 0, count: 64)  // "glibc 2.36"
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count) > 0 else { return false }
    let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let version = String(decoding: bytes, as: UTF8.self).split(separator: " ").last?.split(separator: ".")
        .compactMap { Int($0) } ?? []
    return version.count >= 2 && (version[0], version[1]) >= (2, 36)
}()
#else
let loaderReadsPackedRelocations = false
#endif

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
            ],
            // An async function runs where its caller does rather than hopping to the generic executor
            // at every call and return: script code is all nonisolated async functions on one task
            // executor, and each hop asked the task for its preferred executor under a lock
            // (task_switch −18%, spawn_await −17% instructions; docs/internals.md, "Async calls").
            // The host's own async closures keep `@concurrent` (`AsyncHostFunction`).
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
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
            ],
            // Linked with lld, exporting none of the binary's symbols, its relocations packed where the
            // loader can read them: the static Swift runtime's link arguments export all 28,000 symbols
            // (--export-dynamic) and a PIE has 76,000 relative relocations, which the loader reads at
            // every start; the resident size of `scr -c 'print 1;'` went from 17.9 to 12.2 MiB
            // (docs/internals.md, "Start-up"). Allowed here: an executable is never built as another
            // package's dependency (scripts/check-embedding-by-version).
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "--no-export-dynamic"]
                                 + (loaderReadsPackedRelocations ? ["-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"] : []),
                             .when(platforms: [.linux]))
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
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
            dependencies: [
                "Scr", "ScrREPL", "CPtySupport", "EmbeddingProbe",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
