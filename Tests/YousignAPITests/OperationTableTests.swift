import Testing
@testable import YousignAPI

@Suite struct OperationTableTests {
    @Test func everyOperationHasAUniqueLuaName() {
        #expect(Operation.all.count == 166)
        #expect(Set(Operation.all.map(\.luaName)).count == Operation.all.count)
    }
}
