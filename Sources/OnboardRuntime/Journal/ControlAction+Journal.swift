/// Which control actions only read (sent again freely) and which change the emulator (their
/// intent is journaled before they leave).
extension ControlAction {
    var isRead: Bool {
        switch self {
        case .deliveries, .clock, .listFaults: true
        default: false
        }
    }
}
