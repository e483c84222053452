import Foundation
import JSONCodec
import YousignWire

extension YousignEmulator {
    /// `GET /_emulator/traffic`: per second of the last hour, how many API requests the rate
    /// limiter let through and refused (429) for the key in the request's `Authorization`
    /// header, or for every key without one; and the limits in force (counted with no limits too).
    ///
    /// ```json
    /// {"limits": "20/s", "data": [{"second": 1733300000, "allowed": 20, "limited": 0}]}
    /// ```
    func trafficResponse(_ request: WireRequest) -> WireResponse {
        let key = Self.bearer(request.headers["Authorization"])
        let seconds = rateLimiter.traffic(key: key)
        return Responses.json(200, .object([
            "limits": .string(rateLimiter.limits.description),
            "data": .array(seconds.map { .object(["second": .integer($0.second), "allowed": .integer(Int64($0.allowed)),
                                                  "limited": .integer(Int64($0.limited))]) }),
        ]))
    }
}
