import Foundation

/// Where `require` gets a module's source: `ModuleSearcher` reads the files; in a worker, which
/// reads no file once locked down, `RemoteModules` asks the parent, which runs a
/// `ModuleSearcher` (same chunk names, same messages).
public protocol ModuleSource {
    /// The module's source and chunk name, nil when it is nowhere; throws when it cannot be read.
    func find(_ name: String) throws -> (source: [UInt8], chunkName: String)?
    /// The message for a module found nowhere (no host paths).
    func notFoundMessage(_ name: String) -> String
}

/// Finds the source of `require("a.b")`: the script's own folder first (`a/b.lua`, then
/// `a/b/init.lua`), then the shipped `stdlib/`. Names were already checked by the C side to be
/// dotted identifiers, so no path can leave these folders by name.
public struct ModuleSearcher: ModuleSource, Sendable {
    public var scriptFolder: String
    public var stdlibFolder: String?
    /// Largest module file read.
    public static let maxModuleSize = 8 << 20

    public init(scriptFolder: String, stdlibFolder: String?) {
        self.scriptFolder = scriptFolder
        self.stdlibFolder = stdlibFolder
    }

    /// `find("flow:examples/onboarding.lua")`: a flow file by its path (from the working folder),
    /// for `onboard test`'s `run_flow`. `require` cannot ask it: its names are dotted identifiers.
    public static let flowPrefix = "flow:"

    public func find(_ name: String) throws -> (source: [UInt8], chunkName: String)? {
        if name.hasPrefix(Self.flowPrefix) {
            let path = String(name.dropFirst(Self.flowPrefix.count))
            guard path.hasSuffix(".lua") else { throw ScriptSourceError(message: "run_flow: '\(path)' is not a .lua file") }
            guard let bytes = try read(path) else { return nil }
            return (bytes, "@" + path)
        }
        let relative = name.replacingOccurrences(of: ".", with: "/")
        // the script's own modules are opened from its folder without following symbolic
        // links, like every file a flow reads (a link could lead anywhere)
        let own = try? FileAccess(root: scriptFolder, read: ["."], maxFileSize: Self.maxModuleSize)
        for candidate in [relative + ".lua", relative + "/init.lua"] {
            let path = scriptFolder == "." ? candidate : scriptFolder + "/" + candidate
            guard let own else { break }
            do {
                return (try own.read(candidate), "@" + path)
            } catch let denied where denied.description.hasSuffix("no such file") || denied.description.hasSuffix("no such folder") {
                continue
            } catch {
                throw ScriptSourceError(message: "module '\(name)': \(error.description.replacingOccurrences(of: "'\(candidate)'", with: "'\(path)'"))")
            }
        }
        if let stdlibFolder {
            for candidate in [relative + ".lua", relative + "/init.lua"] {
                if let bytes = try read(stdlibFolder + "/" + candidate) { return (bytes, StdlibLocator.chunkPrefix + candidate) }
            }
        }
        return nil
    }

    /// The places searched, for the "not found" message (no host paths).
    public func notFoundMessage(_ name: String) -> String {
        let relative = name.replacingOccurrences(of: ".", with: "/")
        let local = scriptFolder == "." ? "" : scriptFolder + "/"
        return "module '\(name)' not found: looked for \(local)\(relative).lua, \(local)\(relative)/init.lua and stdlib/\(relative).lua"
    }

    private func read(_ path: String) throws -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count <= Self.maxModuleSize else {
            throw ScriptSourceError(message: "module file is larger than \(Self.maxModuleSize >> 20) MB")
        }
        return [UInt8](data)
    }
}

/// Where the shipped Lua modules live: `$ONBOARD_STDLIB`, an installed `share/onboard/stdlib`
/// beside the binary, or the `stdlib/` of the checkout the binary was built in.
public enum StdlibLocator {
    /// How the shipped modules' chunks are named (`@stdlib/yousign.lua`): messages show
    /// `stdlib/...`, never a host path, and error locations skip these frames for the script's.
    public static let chunkPrefix = "@stdlib/"

    public static func find() -> String? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["ONBOARD_STDLIB"], !env.isEmpty { return env }
        guard let exe = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first else {
            return nil
        }
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        let installed = dir.deletingLastPathComponent().appendingPathComponent("share/onboard/stdlib")
        if fm.fileExists(atPath: installed.path) { return installed.path }
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("stdlib")
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: candidate.path) {
                return candidate.path
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
