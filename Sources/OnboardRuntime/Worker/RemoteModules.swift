import JSONCodec

/// `require` in a worker: the worker opens no file once it is locked down, so each module's
/// source is asked of the parent, which finds it with the run's own `ModuleSearcher` (the
/// script's folder, then stdlib/). Chunk names and messages are the searcher's, unchanged.
struct RemoteModules: ModuleSource {
    let effects: RemoteEffects
    /// For the "not found" message only: it reads no file.
    let searcher: ModuleSearcher

    func find(_ name: String) throws -> (source: [UInt8], chunkName: String)? {
        try WorkerMessages.decodeModule(effects.module(name))
    }

    func notFoundMessage(_ name: String) -> String { searcher.notFoundMessage(name) }
}

extension WorkerMessages {
    static func encodeModule(_ found: () throws -> (source: [UInt8], chunkName: String)?) -> (JSONValue, [UInt8]) {
        do {
            guard let (source, chunkName) = try found() else { return (["found": false], []) }
            return (["found": true, "chunk": .string(chunkName)], source)
        } catch {
            return (["found": false, "error": .string("\(error)")], [])
        }
    }

    static func decodeModule(_ reply: (JSONValue, [UInt8])) throws -> (source: [UInt8], chunkName: String)? {
        let (header, blob) = reply
        if let message = header["error"]?.stringValue { throw ScriptSourceError(message: message) }
        guard header["found"]?.boolValue == true else { return nil }
        guard let chunk = header["chunk"]?.stringValue else { throw bad("module") }
        return (blob, chunk)
    }
}
