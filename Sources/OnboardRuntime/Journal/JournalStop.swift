/// Why a journaled run stopped on its own: the flow no longer matches its journal, an input
/// changed, a request's outcome cannot be known, the run was cancelled, or the store failed.
/// The script is not allowed to go on (its worker is killed; every later effect fails).
public struct JournalStop: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The flow asks something other than the journal's next entry.
        case divergence
        /// A file or variable the run read differs now.
        case inputChanged
        /// A request may or may not have taken effect, and nothing can tell which.
        case uncertain
        case cancelled
        case store
        /// Asked to stop at its next step (Ctrl-C in a batch): resumable as it is.
        case interrupted
        /// Parked (`onboard worker`): the run waits in the store, not in a process; it is resumed
        /// by replay when what it waits for comes.
        case parked
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
