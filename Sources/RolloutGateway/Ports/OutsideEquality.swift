/// A value kept beside others that it is derived from (a cache): two are always equal, so that a type holding one
/// compares by the values it was derived from alone, whether it was computed yet or not.
struct OutsideEquality<Value: Sendable>: Sendable, Equatable {
    var value: Value

    static func == (_: Self, _: Self) -> Bool { true }
}
