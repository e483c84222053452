import JSONCodec
import Testing

/// Indented output: newline after `[`, `{` and `,`, `"key": value`, empty containers intact.
@Suite struct PrettyOutputTests {
    @Test func nestedDocumentWithTwoSpaces() throws {
        let value = try JSONValue(parsing: #"{"b":[1,2.5,{}],"a":{"y":[],"x":null},"c":"s"}"#)
        let expected = """
        {
          "a": {
            "x": null,
            "y": []
          },
          "b": [
            1,
            2.5,
            {}
          ],
          "c": "s"
        }
        """
        #expect(try value.encodedString(indent: 2) == expected)
    }

    @Test func fourSpacesAndNestedArrays() throws {
        let value: JSONValue = [[1, 2], [], [["x"]]]
        let expected = """
        [
            [
                1,
                2
            ],
            [],
            [
                [
                    "x"
                ]
            ]
        ]
        """
        #expect(try value.encodedString(indent: 4) == expected)
    }

    @Test func topLevelScalarsAndEmptyContainers() throws {
        #expect(try JSONValue.integer(1).encodedString(indent: 2) == "1")
        #expect(try JSONValue.array([]).encodedString(indent: 2) == "[]")
        #expect(try JSONValue.object([:]).encodedString(indent: 2) == "{}")
        #expect(try JSONValue.object(["k": .object([:])]).encodedString(indent: 1) == "{\n \"k\": {}\n}")
    }

    @Test func prettyOutputParsesBack() throws {
        let value: JSONValue = ["list": [1, 2.5, "three", nil, true], "nested": ["deep": ["deeper": []]]]
        #expect(try JSONValue(parsing: value.encoded(indent: 3)) == value)
    }
}
