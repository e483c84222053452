// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "onboard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "onboard", targets: ["onboard"]),
        .library(name: "LuaKit", targets: ["LuaKit"]),
        .library(name: "JSONCodec", targets: ["JSONCodec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Debian's liblua5.4-dev: a modulemap and shim.h only.
        .systemLibrary(name: "CLua", path: "Sources/CLua", providers: [.apt(["liblua5.4-dev"])]),
        // The C that must stay C: trampolines, message handler, hooks, allocator, sandbox wrappers.
        // Debian's static liblua5.4.a (PIE-compatible code) rather than liblua5.4.so: the shared
        // library's PIC build with interposable internal calls costs about 9% on call-heavy
        // scripts (docs/benchmarks.md).
        .target(
            name: "CLuaShims", dependencies: ["CLua"],
            linkerSettings: [.linkedLibrary(":liblua5.4.a"), .linkedLibrary("m")]
        ),
        // Line editing for `onboard repl` over BSD libedit (Debian's libedit-dev): every el_set
        // call is variadic, which Swift cannot call, so the editor is a small C file.
        .target(name: "CLineEditor", linkerSettings: [.linkedLibrary("edit")]),
        // Process isolation and signals for the worker and the REPL (namespaces, seccomp,
        // Landlock, the SIGINT self-pipe): system calls Swift cannot make safely. No Lua.
        .target(name: "CProcess"),
        // JSON with exact int64 integers, sorted keys and byte offsets in errors. No Lua.
        .target(name: "JSONCodec"),
        .target(name: "LuaKit", dependencies: ["CLua", "CLuaShims", "JSONCodec"]),
        // HTTP requests and responses as plain values, shared by the API client and the emulator.
        .target(name: "YousignWire", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The stateful Yousign v3 emulator: a function from request to response over SQLite. No Lua.
        .target(
            name: "YousignEmulator",
            dependencies: [
                "YousignWire", "JSONCodec",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The emulator served over HTTP (Hummingbird), for `onboard serve`.
        .target(
            name: "YousignEmulatorServer",
            dependencies: [
                "YousignEmulator", "YousignWire", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The API client: the generated operation table, transports (HTTP, in-process), retries,
        // the client-side rate limiter, multipart bodies. No Lua, no emulator.
        .target(
            name: "YousignAPI",
            dependencies: [
                "YousignWire", "JSONCodec",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Runs and their journals (run store, leases): plain data over SQLite (GRDB). No Lua.
        .target(name: "OnboardRuns", dependencies: [
            "YousignWire", "JSONCodec", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The only place Lua meets the API: the `yousign` module, the flow host (every effect a
        // flow has goes through it), files.
        .target(
            name: "OnboardRuntime",
            dependencies: ["LuaKit", "CProcess", "JSONCodec", "YousignAPI", "YousignWire", "OnboardRuns",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        // `onboard repl`'s terminal side: line editing, history, commands, the read-eval-print
        // loop over a REPL engine (worker process or in process) from OnboardRuntime.
        .target(name: "OnboardREPL", dependencies: ["OnboardRuntime", "LuaKit", "CLineEditor"]),
        // `onboard worker`: the engine that starts, parks and wakes runs from the run store, and
        // its HTTP side (webhooks, health, Prometheus metrics through swift-metrics).
        .target(
            name: "OnboardWorker",
            dependencies: [
                "OnboardRuntime", "OnboardRuns", "LuaKit", "JSONCodec", "YousignWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "onboard",
            dependencies: [
                "OnboardRuntime", "OnboardREPL", "OnboardWorker", "OnboardRuns", "LuaKit", "YousignEmulator", "YousignEmulatorServer", "YousignAPI", "YousignWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks of LuaKit itself (host calls against Lua calls): scripts/bench/run.
        .executableTarget(name: "luakit-bench", dependencies: ["LuaKit"], path: "scripts/bench/luakit-bench"),
        // The baseline for `onboard serve`'s HTTP rate: one bare Hummingbird route (scripts/bench/run).
        .executableTarget(
            name: "emulator-bench", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "scripts/bench/emulator-bench"
        ),
        .testTarget(name: "JSONCodecTests", dependencies: ["JSONCodec"]),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit"]),
        .testTarget(
            name: "YousignEmulatorTests",
            dependencies: [
                "YousignEmulator", "YousignEmulatorServer", "YousignWire", "JSONCodec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "YousignAPITests",
            dependencies: ["YousignAPI", "YousignWire", "JSONCodec", "YousignEmulator", "YousignEmulatorServer"]
        ),
        .testTarget(
            name: "OnboardRuntimeTests",
            dependencies: ["OnboardRuntime", "OnboardRuns", "LuaKit", "YousignAPI", "YousignEmulator", "YousignWire", "JSONCodec"],
            exclude: ["toml-test"]
        ),
        .testTarget(name: "OnboardRunsTests", dependencies: ["OnboardRuns", "YousignWire", "JSONCodec"]),
        .testTarget(
            name: "OnboardWorkerTests",
            dependencies: ["OnboardWorker", "OnboardRuntime", "OnboardRuns", "LuaKit", "YousignAPI", "YousignEmulator", "YousignWire",
                           "JSONCodec", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "OnboardREPLTests", dependencies: ["OnboardREPL", "OnboardRuntime", "LuaKit"]),
        .testTarget(name: "OnboardCLITests", dependencies: [
            "onboard", "OnboardRuns", "YousignWire", .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
