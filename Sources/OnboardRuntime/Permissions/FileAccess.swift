import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files a flow may read (uploads) and write (downloads): nothing unless granted, Deno
/// style (`--allow-read=PATH[,PATH]`, `--allow-write=PATH`).
///
/// Paths are resolved from the current folder and opened capability-style (SANDBOX.md §4.7):
/// from the granted folder's descriptor, one component at a time with `O_NOFOLLOW`, so no
/// symlink can lead anywhere (inside or outside the grant) and nothing changes between the
/// check and the open. `..`, NUL bytes, absolute paths outside a grant, FIFOs, devices and
/// folders are refused; reads are capped in size. Messages name the path as the script gave it
/// and the flag that would allow it, never a host path.
public struct FileAccess: Sendable {
    /// A granted path, as given and as resolved (symlinks resolved once, when granted).
    public struct Grant: Sendable, Equatable {
        public let given: String
        let absolute: String
    }

    public enum Kind: String, Sendable { case read, write }

    /// The folder relative paths start from (resolved).
    public let root: String
    public let readGrants: [Grant]
    public let writeGrants: [Grant]
    public let maxFileSize: Int
    let audit: AuditLog?

    public struct Denied: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// `read` and `write` are the paths given with `--allow-read` and `--allow-write`, relative
    /// to `root` or absolute; `.` grants the whole current folder.
    public init(root: String = FileManager.default.currentDirectoryPath, read: [String] = [], write: [String] = [],
                maxFileSize: Int = 64 << 20, audit: AuditLog? = nil) throws(Denied) {
        let resolvedRoot = Self.realPath(root) ?? root
        self.root = resolvedRoot
        self.readGrants = try read.map { path throws(Denied) in try Self.grant(path, root: resolvedRoot, flag: "--allow-read") }
        self.writeGrants = try write.map { path throws(Denied) in try Self.grant(path, root: resolvedRoot, flag: "--allow-write") }
        self.maxFileSize = maxFileSize
        self.audit = audit
    }

    static func grant(_ path: String, root: String, flag: String) throws(Denied) -> Grant {
        guard !path.isEmpty, !path.contains("\0") else { throw Denied(description: "\(flag): '\(path)' is not a path") }
        let joined = path.hasPrefix("/") ? path : root + "/" + path
        // symlinks in a granted path are the user's own choice: resolve them once, now
        let absolute = realPath(joined) ?? lexical(joined)
        return Grant(given: path, absolute: absolute)
    }

    /// Warnings for grants that can allow nothing as things are: a read grant of a path that
    /// does not exist (a typo is the usual reason), a write grant whose folder does not exist.
    public var grantWarnings: [String] {
        let fm = FileManager.default
        let reads = readGrants.filter { !fm.fileExists(atPath: $0.absolute) }.map {
            "warning: --allow-read=\($0.given): no such file or folder; the grant allows nothing until it exists"
        }
        let writes = writeGrants.filter { grant in
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: grant.absolute, isDirectory: &isFolder) { return false }
            let parent = (grant.absolute as NSString).deletingLastPathComponent
            return !(fm.fileExists(atPath: parent, isDirectory: &isFolder) && isFolder.boolValue)
        }.map { "warning: --allow-write=\($0.given): neither it nor its folder exists; the grant allows nothing until one does" }
        return reads + writes
    }

    // MARK: reading and writing

    /// The bytes of a file to upload.
    public func read(_ path: String) throws(Denied) -> [UInt8] {
        let (dir, name) = try open(path, .read)
        defer { close(dir) }
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Denied(description: Self.reason(errno, path, last: true)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Denied(description: "'\(path)': cannot read it") }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR else { throw Denied(description: "'\(path)' is a folder, not a file") }
        guard type == S_IFREG else { throw Denied(description: "'\(path)' is not a regular file (a FIFO, device or socket)") }
        guard Int(info.st_size) <= maxFileSize else {
            throw Denied(description: "'\(path)' is larger than \(maxFileSize >> 20) MB")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Denied(description: "'\(path)': cannot read it") }
            if n == 0 { break }
            filled += n
        }
        guard filled <= Int(info.st_size) else { throw Denied(description: "'\(path)' grew while it was read") }
        return Array(bytes.prefix(filled))
    }

    /// Writes a download; the file's folder must exist.
    public func write(_ bytes: [UInt8], to path: String) throws(Denied) {
        let (dir, name) = try open(path, .write)
        defer { close(dir) }
        // not truncated on open: a file with another name (a hard link, which O_NOFOLLOW cannot
        // see) may live outside the grant, and must be left as it is
        let fd = openat(dir, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Denied(description: Self.reason(errno, path, last: true)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw Denied(description: "'\(path)' is not a regular file (a FIFO, device or socket)")
        }
        guard info.st_nlink <= 1 else {
            throw Denied(description: "'\(path)' has other names (hard links) and is not overwritten; remove it first")
        }
        guard ftruncate(fd, 0) == 0 else { throw Denied(description: "'\(path)': cannot write it") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Denied(description: "'\(path)': cannot write it") }
            written += n
        }
    }

    /// Checks `path` against the grants and opens its folder from the grant's descriptor, one
    /// component at a time; returns the folder's descriptor and the file's name.
    func open(_ path: String, _ kind: Kind) throws(Denied) -> (Int32, String) {
        let flag = kind == .read ? "--allow-read" : "--allow-write"
        guard !path.isEmpty, path.utf8.count <= 1024, !path.contains("\0") else {
            record(kind, path, allowed: false, grant: nil)
            throw Denied(description: "'\(path.prefix(60))': not a valid file path")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.map(String.init)
        guard !components.contains("..") else {
            record(kind, path, allowed: false, grant: nil)
            throw Denied(description: "'\(path)': paths may not contain '..'; name the file from the current folder")
        }
        guard !components.isEmpty else { throw Denied(description: "'\(path)': not a file") }
        let absolute = (path.hasPrefix("/") ? "" : root) + "/" + components.joined(separator: "/")
        let grants = kind == .read ? readGrants : writeGrants
        guard let grant = grants.filter({ absolute == $0.absolute || absolute.hasPrefix($0.absolute == "/" ? "/" : $0.absolute + "/") })
            .max(by: { $0.absolute.count < $1.absolute.count }) else {
            record(kind, path, allowed: false, grant: nil)
            let verb = kind == .read ? "read" : "write"
            throw Denied(description: "\(verb) access to '\(path)' is not granted; allow it with \(flag)=\(Self.suggestion(path))")
        }
        record(kind, path, allowed: true, grant: "\(flag)=\(grant.given)")
        if absolute == grant.absolute {
            // the grant is the file itself: open its folder, then the name
            let folder = (grant.absolute as NSString).deletingLastPathComponent
            let dir = Glibc.open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dir >= 0 else { throw Denied(description: Self.reason(errno, path, last: false)) }
            return (dir, (grant.absolute as NSString).lastPathComponent)
        }
        let inside = String(absolute.dropFirst(grant.absolute == "/" ? 1 : grant.absolute.count + 1)).split(separator: "/").map(String.init)
        var dir = Glibc.open(grant.absolute, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw Denied(description: Self.reason(errno, path, last: false)) }
        for component in inside.dropLast() {
            let next = openat(dir, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let failure = errno
            close(dir)
            guard next >= 0 else { throw Denied(description: Self.reason(failure, path, last: false)) }
            dir = next
        }
        return (dir, inside.last!)
    }

    private func record(_ kind: Kind, _ path: String, allowed: Bool, grant: String?) {
        audit?.record(permission: kind.rawValue, target: path, allowed: allowed, grant: grant)
    }

    /// The flag value that would allow `path`: its folder as given, or the file itself.
    static func suggestion(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : folder
    }

    static func reason(_ code: Int32, _ path: String, last: Bool) -> String {
        switch code {
        case ENOENT: return last ? "'\(path)': no such file" : "'\(path)': no such folder"
        case ELOOP: return "'\(path)' is a symbolic link, which is not followed (name the file it points to)"
        case ENOTDIR: return "'\(path)': a folder in the path is a symbolic link or a file, which is not followed"
        case EACCES, EPERM: return "'\(path)': permission denied by the system"
        case EISDIR: return "'\(path)' is a folder, not a file"
        case ENXIO: return "'\(path)' is not a regular file (a FIFO, device or socket)"
        default: return "'\(path)': cannot open it (\(String(cString: strerror(code))))"
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `/a/./b//c/../d` → `/a/b/d`, without touching the file system.
    static func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The name a server sees for an uploaded path: its base name (the sandbox's magic names).
    public static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
