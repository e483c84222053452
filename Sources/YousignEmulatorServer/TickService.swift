import ServiceLifecycle

/// Runs the emulator's due timers and webhook deliveries on the wall clock, so a served
/// emulator expires signature requests and retries deliveries while nobody is calling it.
/// Requests run due timers too; this covers the quiet moments.
struct TickService: Service {
    let tick: @Sendable () async -> Void
    let interval: Duration

    func run() async throws {
        // stops at graceful shutdown, after the server (the application shuts its services
        // down in reverse order), so no tick races a request that is still being answered
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await tick()
            }
        }
    }
}
