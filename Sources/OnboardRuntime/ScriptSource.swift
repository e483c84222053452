import Foundation

/// Where a script comes from, and how it is named in messages.
public struct ScriptSource: Sendable {
    public var bytes: [UInt8]
    /// The chunk name Lua reports (`@examples/flow.lua`, `=stdin`, `=(command line)`).
    public var chunkName: String
    /// The folder `require` searches for the script's own modules, as the user named it
    /// (relative paths stay relative, so messages show no host paths).
    public var folder: String

    public init(bytes: [UInt8], chunkName: String, folder: String) {
        self.bytes = bytes
        self.chunkName = chunkName
        self.folder = folder
    }

    /// A script file, named as the user gave it.
    public static func file(_ path: String) throws(ScriptSourceError) -> ScriptSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScriptSourceError(message: "cannot open '\(path)': no such file (check the path, or use - to read the script from standard input)")
        }
        guard !isDirectory.boolValue else {
            throw ScriptSourceError(message: "cannot open '\(path)': it is a directory; name a .lua file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScriptSourceError(message: "cannot read '\(path)': permission denied")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return ScriptSource(bytes: [UInt8](data), chunkName: "@" + path, folder: folder.isEmpty ? "." : folder)
    }

    /// The whole of standard input.
    public static func standardInput() -> ScriptSource {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return ScriptSource(bytes: [UInt8](data), chunkName: "=stdin", folder: ".")
    }

    /// Code given with `-e`.
    public static func commandLine(_ code: String) -> ScriptSource {
        ScriptSource(bytes: Array(code.utf8), chunkName: "=(command line)", folder: ".")
    }
}

public struct ScriptSourceError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
