import Foundation

/// The files a flow uploads and downloads. Paths are resolved from the current folder and must
/// stay inside it (no absolute paths, no `..` out of it, no NUL); uploads are capped in size.
/// Messages name the path as the script gave it, never the host path.
public struct FileAccess: Sendable {
    /// The folder paths are resolved from.
    public var root: String
    public var maxFileSize: Int

    public init(root: String = FileManager.default.currentDirectoryPath, maxFileSize: Int = 64 << 20) {
        self.root = root
        self.maxFileSize = maxFileSize
    }

    public struct Denied: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The absolute path for a script's relative path, if it stays inside `root`.
    func resolve(_ path: String) throws(Denied) -> String {
        guard !path.isEmpty, !path.contains("\0") else { throw Denied(description: "'\(path)': not a valid file path") }
        guard !path.hasPrefix("/") && !path.hasPrefix("~") else {
            throw Denied(description: "'\(path)': give a path relative to the current folder")
        }
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else { throw Denied(description: "'\(path)' leads outside the current folder") }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        guard !parts.isEmpty else { throw Denied(description: "'\(path)': not a file") }
        let full = root + "/" + parts.joined(separator: "/")
        // a symlink may not lead out of the folder either
        let real = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        if FileManager.default.fileExists(atPath: full), !(real == realRoot || real.hasPrefix(realRoot + "/")) {
            throw Denied(description: "'\(path)' leads outside the current folder")
        }
        return full
    }

    /// The bytes of a file to upload.
    public func read(_ path: String) throws(Denied) -> [UInt8] {
        let full = try resolve(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
            throw Denied(description: "'\(path)': no such file")
        }
        guard !isDirectory.boolValue else { throw Denied(description: "'\(path)' is a folder, not a file") }
        let attributes = try? FileManager.default.attributesOfItem(atPath: full)
        if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular {
            throw Denied(description: "'\(path)' is not a regular file")
        }
        if let size = attributes?[.size] as? Int, size > maxFileSize {
            throw Denied(description: "'\(path)' is larger than \(maxFileSize >> 20) MB")
        }
        guard let data = FileManager.default.contents(atPath: full) else { throw Denied(description: "'\(path)': cannot read it") }
        return [UInt8](data)
    }

    /// Writes a download; the file's folder must exist.
    public func write(_ bytes: [UInt8], to path: String) throws(Denied) {
        let full = try resolve(path)
        let folder = (full as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Denied(description: "'\(path)': its folder does not exist")
        }
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
            throw Denied(description: "'\(path)': cannot write it")
        }
    }

    /// The name a server sees for an uploaded path: its base name (the sandbox's magic names).
    public static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
