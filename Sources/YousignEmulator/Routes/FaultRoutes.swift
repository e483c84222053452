import JSONCodec
import YousignWire

/// `/_emulator/faults`: failures on demand for the API routes (`FaultRules`), for testing how
/// a flow copes with 429s, 5xx and lost responses.
enum FaultRoutes {
    static func register(_ r: inout Router) {
        r.add("POST", "/_emulator/faults") { emulator, request in
            let body = try RequestContext.parseBody(request)
            return try emulator.faults.update { rules throws(APIError) in
                try rules.add(body)
                return Responses.json(201, rules.json)
            }
        }
        r.add("GET", "/_emulator/faults") { emulator, _ in Responses.json(200, emulator.faults.value.json) }
        r.add("DELETE", "/_emulator/faults") { emulator, _ in
            emulator.faults.update { $0.clear() }
            return Responses.empty()
        }
    }
}
