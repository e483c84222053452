import Foundation
import LuaKit
import OnboardRuntime
import Testing

/// A folder of Lua files for one test, removed afterwards.
final class ScriptFolder {
    let path: String
    init(_ files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-test-\(UUID().uuidString)").path
        for (name, text) in files {
            let file = path + "/" + name
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The stdlib/ of this checkout.
let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("stdlib").path

/// Runs `main.lua` of the folder and returns its results and output.
func runScript(_ folder: ScriptFolder, arguments: [String] = []) throws -> (results: [LuaValue], output: String) {
    let collected = Collected()
    let source = try ScriptSource.file(folder.path + "/main.lua")
    let run = ScriptRun(script: source, arguments: arguments, scriptName: "main.lua", stdlibFolder: stdlib,
                        output: { collected.append($0) })
    let results = try LuaThread.run { try run.execute() }
    return (results, collected.text)
}

func runFailure(_ folder: ScriptFolder) throws -> LuaError? {
    do { _ = try runScript(folder) } catch let error as LuaError { return error }
    return nil
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ b: UnsafeRawBufferPointer) { lock.withLock { bytes.append(contentsOf: b) } }
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}

@Suite("Running a script: require, stdlib, arg")
struct ScriptRunTests {
    @Test("require finds modules beside the script, nested and init.lua, once each")
    func localModules() throws {
        let folder = try ScriptFolder([
            "main.lua": """
                local helpers = require("helpers")
                local util = require("lib.util")
                local pkg = require("pkg")
                assert(require("helpers") == helpers)
                return helpers.loads, util.name, pkg.name
                """,
            "helpers.lua": "loads = (loads or 0) + 1 return { loads = loads }",
            "lib/util.lua": "return { name = 'lib.util' }",
            "pkg/init.lua": "return { name = 'pkg' }",
        ])
        #expect(try runScript(folder).results == [1, "lib.util", "pkg"])
    }

    @Test("require finds the shipped stdlib after the script's folder")
    func stdlibModules() throws {
        let folder = try ScriptFolder(["main.lua": "return require('inspect')({ b = 1, a = { 1, 2 } })"])
        #expect(try runScript(folder).results == ["{ a = { 1, 2 }, b = 1 }"])
    }

    @Test("a missing module names the places searched as the user named them, and no stdlib host path")
    func notFound() throws {
        let folder = try ScriptFolder(["main.lua": "require('nothing.here')"])
        let error = try runFailure(folder)
        let f = folder.path
        #expect(error?.message.hasSuffix("module 'nothing.here' not found: looked for \(f)/nothing/here.lua, \(f)/nothing/here/init.lua and stdlib/nothing/here.lua") == true)
        #expect(error?.message.contains(stdlib) == false)
    }

    @Test("errors inside a module point at the module file")
    func moduleErrors() throws {
        let syntax = try ScriptFolder(["main.lua": "require('broken')", "broken.lua": "local x = = 1"])
        let error = try runFailure(syntax)
        #expect(error?.message.hasSuffix("broken.lua:1: unexpected symbol near '='") == true, "\(error?.message ?? "")")
        let runtime = try ScriptFolder(["main.lua": "require('fails')", "fails.lua": "\n\nerror('module failed')"])
        let error2 = try runFailure(runtime)
        #expect(error2?.message.hasSuffix("fails.lua:3: module failed") == true, "\(error2?.message ?? "")")
    }

    @Test("a require loop is an error, not a hang")
    func loop() throws {
        let folder = try ScriptFolder(["main.lua": "require('a')", "a.lua": "require('b')", "b.lua": "require('a')"])
        #expect(try runFailure(folder)?.message.contains("loop or previous error loading module 'a'") == true)
    }

    @Test("arg and ... are laid out as lua.c does")
    func argTable() throws {
        let folder = try ScriptFolder(["main.lua": """
            local parts = {}
            for i = -2, #arg do parts[#parts + 1] = i .. "=" .. tostring(arg[i]) end
            return table.concat(parts, " "), select("#", ...), ...
            """])
        let source = try ScriptSource.file(folder.path + "/main.lua")
        let run = ScriptRun(script: source, arguments: ["a", "b"], interpreterArguments: ["onboard", "run"],
                            scriptName: "main.lua", stdlibFolder: stdlib)
        let results = try LuaThread.run { try run.execute() }
        #expect(results == ["-2=onboard -1=run 0=main.lua 1=a 2=b", 2, "a", "b"])
    }

    @Test("json is a global and a module in flow scripts")
    func hostModules() throws {
        let folder = try ScriptFolder(["main.lua": "return require('json') == json, json.encode({ok = true})"])
        #expect(try runScript(folder).results == [true, #"{"ok":true}"#])
    }

    @Test("-e chunks run first, in the same state")
    func preludes() throws {
        let folder = try ScriptFolder(["main.lua": "print(greeting .. ', ' .. ...)"])
        let collected = Collected()
        let run = ScriptRun(preludes: [.commandLine("greeting = 'Hello'")], script: try .file(folder.path + "/main.lua"),
                            arguments: ["Kelly"], stdlibFolder: stdlib, output: { collected.append($0) })
        try LuaThread.run { try run.execute() }
        #expect(collected.text == "Hello, Kelly\n")
    }
}
