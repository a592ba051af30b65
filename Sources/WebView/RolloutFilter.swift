import RolloutGateway

/// The filter of the rollouts page, from its query string: `stack` (the stack's family or its full name, any case)
/// and `state` (`open`, the default; `resolved`; `all`).
struct RolloutFilter: Equatable {
    enum State: String, CaseIterable {
        case open, resolved, all
    }

    var stack: String?
    var state: State

    init(query: [String: String]) {
        let stack = query["stack"]?.trimmingCharacters(in: .whitespaces) ?? ""
        self.stack = stack.isEmpty ? nil : stack
        self.state = query["state"].flatMap(State.init(rawValue:)) ?? .open
    }

    func admits(_ row: RolloutRow) -> Bool {
        if let stack, row.view.release.stack.caseInsensitiveCompare(stack) != .orderedSame,
            !row.view.release.stack.lowercased().hasPrefix(stack.lowercased() + "-")
        {
            return false
        }
        switch state {
        case .open: return row.isOpen
        case .resolved: return !row.isOpen
        case .all: return true
        }
    }
}
