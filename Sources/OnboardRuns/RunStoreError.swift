import GRDB

/// Why the run store cannot be used. Every message names the file and what to do; the file is
/// never changed when one of these is thrown.
public struct RunStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case corrupt, locked, newerVersion, notFound, conflict, io }
    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// A GRDB or SQLite failure, in words.
    static func from(_ error: any Error, location: String) -> RunStoreError {
        if let error = error as? RunStoreError { return error }
        guard let db = error as? DatabaseError else {
            return RunStoreError(.io, "the run store \(location) cannot be used: \(error)")
        }
        switch db.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return RunStoreError(.corrupt, "the run store \(location) is not a readable SQLite database (\(db.message ?? "corrupt")); it was left as it is: move it away to start a new one, or give another with --runs FILE")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return RunStoreError(.locked, "the run store \(location) is locked by another process and stayed locked for 5 s; try again when it has finished")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_IOERR:
            return RunStoreError(.io, "the run store \(location) cannot be opened for writing (\(db.message ?? "\(db.resultCode)")): check the folder's permissions, or give another with --runs FILE")
        default:
            return RunStoreError(.io, "the run store \(location): \(db.message ?? "\(db.resultCode)")")
        }
    }
}
