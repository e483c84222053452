import YousignAPI

/// A flow host and, on the embedded emulator, the emulator behind it (opened on first use).
public struct PreparedBackend: Sendable {
    public let host: FlowHost
    public let embedded: LazyEmbeddedEmulator?
}

/// Makes the rate gate for a key (and the base URL of a remote backend; nil for the embedded
/// emulator): `RateGate` over the run store, shared by every run of the key on the machine.
public typealias RateGateFactory = @Sendable (_ key: String, _ baseURL: String?) -> (any RequestGate)?

extension BackendChoice {
    /// The flow host for this choice. The embedded emulator opens its state on first use; a
    /// notice about its clock goes to `notice`. `opener.apiKey` is also the key sent to an
    /// `onboard serve` when the key variable is unset.
    public func prepare(environment: [String: String], files: FileAccess, env: EnvAccess, timeout: Duration,
                        embedded opener: EmbeddedOpener, gate: RateGateFactory? = nil,
                        notice: @escaping @Sendable (String) -> Void) throws(BackendError) -> PreparedBackend {
        let key = self.key(in: environment)
        switch target {
        case .embedded(let state):
            let lazy = LazyEmbeddedEmulator(opener: opener, state: state, notice: notice)
            let host = FlowHost.emulator(
                transport: lazy.transport, key: opener.apiKey, advancing: true,
                description: BackendDescription(kind: .embeddedEmulator, location: state.location, profile: describedProfile),
                files: files, env: env, timeout: timeout, gate: gate?(opener.apiKey, nil))
            return PreparedBackend(host: host, embedded: lazy)
        case .served(let url):
            let transport: HTTPTransport
            do { transport = try HTTPTransport(baseURL: url) } catch { throw BackendError("--emulator: \(error.message)") }
            let sent = key ?? opener.apiKey
            let host = FlowHost.emulator(
                transport: transport, key: sent, advancing: false,
                description: BackendDescription(kind: .servedEmulator, location: transport.baseURL, profile: describedProfile),
                files: files, env: env, timeout: timeout, gate: gate?(sent, transport.baseURL))
            return PreparedBackend(host: host, embedded: nil)
        case .yousign(let url):
            guard let key else {
                throw BackendError("set \(keyVariable) to your Yousign API key for \(url) (keys are read from the environment so they never sit on a command line or in a file)")
            }
            let transport: HTTPTransport
            do { transport = try HTTPTransport(baseURL: url) } catch { throw BackendError("--base-url: \(error.message)") }
            let client = YousignClient(transport: transport, apiKey: APIKey(key), timeout: timeout, gate: gate?(key, transport.baseURL))
            let host = FlowHost(backend: BackendDescription(kind: .yousign, location: transport.baseURL, profile: describedProfile),
                                client: client, control: nil, clock: SystemWaitClock(), files: files, env: env)
            return PreparedBackend(host: host, embedded: nil)
        }
    }
}
