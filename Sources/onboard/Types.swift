import ArgumentParser
import Foundation
import OnboardRuntime

/// `onboard types [--out DIR]`: LuaLS type definitions for editors.
struct Types: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write LuaLS type definitions (yousign, emulator, json, env, the test DSL) and a .luarc.json for editors.",
        discussion: """
            Writes the ---@meta files of stdlib/types (yousign.lua is generated from Yousign's \
            OpenAPI spec by the same run that generates the bindings, so the two cannot drift: \
            every operation with its parameters and result as classes, enums as string \
            unions, the HTTP operation in its doc comment) into --out, and points the current \
            folder's .luarc.json at them (adding to one that exists, keeping its other settings). \
            Lua Language Server (VS Code, Neovim, Zed...) then completes and checks yousign calls.
            """
    )

    @Option(help: ArgumentHelp("Where to write the definition files.", valueName: "dir"))
    var out = ".onboard/types"

    @Flag(name: .customLong("no-luarc"), help: "Do not write or change .luarc.json.")
    var noLuarc = false

    func run() throws {
        guard let stdlib = StdlibLocator.find() else {
            Diagnostics.error("the stdlib folder was not found; set ONBOARD_STDLIB to it")
            throw ExitCode(ExitStatus.scriptError)
        }
        let fm = FileManager.default
        let source = stdlib + "/types"
        // yousign.lua, emulator.lua, onboard.lua and yousign/<resource>.lua
        let files = ((try? fm.subpathsOfDirectory(atPath: source)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
        guard !files.isEmpty else {
            Diagnostics.error("\(source) has no type definitions")
            throw ExitCode(ExitStatus.scriptError)
        }
        do {
            try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
            // a resource gone from the spec leaves no stale file behind
            if fm.fileExists(atPath: out + "/yousign") { try fm.removeItem(atPath: out + "/yousign") }
            for file in files {
                let target = out + "/" + file
                try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: source + "/" + file, toPath: target)
            }
        } catch {
            Diagnostics.error("--out \(out): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.usage)
        }
        print("wrote \(files.count) definition files to \(out) (yousign.lua and yousign/, emulator.lua, onboard.lua)")
        if noLuarc { return }
        let luarc = ".luarc.json"
        var settings: [String: Any] = [:]
        if let data = fm.contents(atPath: luarc) {
            guard let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                Diagnostics.error("\(luarc) is not a JSON object; add \"\(out)\" to its \"workspace.library\" by hand (or give --no-luarc)")
                throw ExitCode(ExitStatus.usage)
            }
            settings = existing
        }
        var library = settings["workspace.library"] as? [String] ?? []
        if !library.contains(out) { library.append(out) }
        settings["workspace.library"] = library
        if settings["runtime.version"] == nil { settings["runtime.version"] = "Lua 5.4" }
        let data = try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: luarc))
        print("\(luarc): workspace.library has \(out)")
    }
}
