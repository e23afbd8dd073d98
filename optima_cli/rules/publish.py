"""Figures safe to publish (issue 19): primary and secondary cell suppression.

With 52 cases in four years, a figure about a small group can point at a person. A published
report hides

- every count below the threshold (the setting `publish-threshold`, default 3), zeros included:
  "below-threshold" (shown as "<3"; the reader knows such a cell lies between 0 and 2);
- a median (or an amount) when the cases behind it are fewer than the threshold: "few-cases";
- and enough further cells that no hidden one can be worked out exactly from the published cells
  and the sums they take part in (parts that add up to a total): "derivable" (shown as "x"; such a
  cell is not below the threshold, and the reader may know that);
- where even that gives a cell away (a total of 2 in two parts below 2: both are 1), the cells
  linked to it are "withheld" all together, without saying whether below the threshold ("*").

The cells are the report's whole-number figures (path -> count); the sums are declared once, next
to where the figures' shape is made (rules/figures.py SUMS, MEASURED, NOT_COUNTED), as patterns
over the report's keys, so that a new section is protected by declaring its sums, not by new code.
A sum whose numbers do not add up in the data is not one a reader can use, and is left out.

The secondary suppression is greedy: while some hidden cell is determined, hide the smallest
published cell of a sum it takes part in (else of its connected group). Whether a cell is
determined is decided exactly, by a complete search over whole numbers within the bounds the
reader knows (bounds propagation and branching); a search that grows beyond its budget counts as
"determined", so the answer errs on the side of hiding.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str, ...]

BELOW = "below-threshold"
DERIVABLE = "derivable"
FEW_CASES = "few-cases"
WITHHELD = "withheld"
WHY = (BELOW, DERIVABLE, FEW_CASES, WITHHELD)

SLACK = "~at-least"  # the first key of a slack's path (`at_least`): a cell never published
SEARCH_BUDGET = 20_000  # branching steps per question; beyond it a cell counts as determined


@dataclass(frozen=True)
class Sum:
    """Parts that add up to a total (paths of cells)."""

    total: Path
    parts: tuple[Path, ...]

    @property
    def cells(self) -> tuple[Path, ...]:
        return (self.total, *self.parts)


def dotted(path: Path) -> str:
    """A cell's name in the JSON (`published.suppressed[].cell`): its keys joined with dots."""
    return ".".join(path)


# --- the cells and sums of a report -------------------------------------------------------------

def _segments(pattern: str) -> list[str]:
    return pattern.split(".")


def _match(node: Any, segments: list[str], bound: dict[str, str],
           path: Path = ()) -> Iterator[tuple[Path, dict[str, str]]]:
    """Every path in `node` that the pattern matches: `*` any key, `{name}` any key (bound, or
    the key already bound to name), `a|b` either key, else the key itself."""
    if not segments:
        yield path, bound
        return
    if not isinstance(node, dict):
        return
    head, rest = segments[0], segments[1:]
    if head == "*":
        for key in node:
            yield from _match(node[key], rest, bound, (*path, str(key)))
    elif head.startswith("{") and head.endswith("}"):
        name = head[1:-1]
        keys = [bound[name]] if name in bound else list(node)
        for key in keys:
            if key in node:
                yield from _match(node[key], rest, {**bound, name: str(key)}, (*path, str(key)))
    else:
        for key in head.split("|"):
            if key in node:
                yield from _match(node[key], rest, bound, (*path, key))


def sums(data: Mapping[str, Any], declared: Sequence[tuple[str, str]]) -> list[Sum]:
    """The sums of `data`, from declared (total pattern, parts pattern) pairs; the parts may be
    several patterns joined by " + "."""
    found: list[Sum] = []
    for total, parts in declared:
        for total_path, bound in _match(dict(data), _segments(total), {}):
            found.append(Sum(total_path, tuple(p for pattern in parts.split(" + ")
                                               for p, _ in _match(dict(data),
                                                                  _segments(pattern.strip()),
                                                                  bound))))
    return [s for s in found if s.parts]


def at_least(values: dict[Path, int], data: Mapping[str, Any],
             declared: Sequence[tuple[str, str]]) -> tuple[list[Sum], list[Path]]:
    """Totals that are at least the sum of their parts (a referral accepted or rejected was
    referred; the rest may be open or withdrawn): each a sum with one more part, a slack the
    reader does not see (0 or more), added to `values`; the sums and the slacks' paths. One whose
    numbers do not hold in `data` is left out."""
    found: list[Sum] = []
    slacks: list[Path] = []
    for i, relation in enumerate(sums(data, declared)):
        if not all(p in values for p in relation.cells):
            continue
        rest = values[relation.total] - sum(values[p] for p in relation.parts)
        if rest < 0:
            continue
        slack: Path = (SLACK, str(i))
        values[slack] = rest
        found.append(Sum(relation.total, (*relation.parts, slack)))
        slacks.append(slack)
    return found, slacks


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def cells(data: Mapping[str, Any], not_counted: Sequence[str]) -> dict[Path, int]:
    """Every count of `data` (whole numbers, not flags), outside the sections (or dotted paths)
    `not_counted`."""
    skip = {tuple(_segments(p)) for p in not_counted}
    found: dict[Path, int] = {}

    def walk(node: Any, path: Path) -> None:
        if path in skip:
            return
        if isinstance(node, dict):
            for key, inner in node.items():
                walk(inner, (*path, str(key)))
        elif is_count(node):
            found[path] = node

    walk(dict(data), ())
    return found


def get(data: Mapping[str, Any], path: Path) -> Any:
    node: Any = data
    for key in path:
        node = node[key]
    return node


# --- whether a hidden cell can be worked out ----------------------------------------------------

class _Budget(Exception):
    pass


class _Problem:
    """The reader's view: the hidden cells as unknowns within bounds, the sums as equations
    (coefficients +1 for a part, -1 for the total, the published cells moved to the constant)."""

    def __init__(self, values: Mapping[Path, int], relations: Sequence[Sum],
                 hidden: Mapping[Path, str], threshold: int, known: Collection[Path] = ()) -> None:
        self.values = values
        self.hidden = hidden
        cap = sum(values.values()) + threshold  # no count is larger than every count together
        self.bounds = {p: ((values[p], values[p]) if p in known else
                           (0, threshold - 1) if why == BELOW else
                           (0, cap) if why == WITHHELD else (threshold, cap))
                       for p, why in hidden.items()}
        self.equations: list[tuple[dict[Path, int], int]] = []
        self.touching: dict[Path, list[int]] = {p: [] for p in hidden}
        for relation in relations:
            terms: dict[Path, int] = {}
            constant = 0  # sum(terms) == constant
            for path, sign in ((relation.total, -1), *((p, 1) for p in relation.parts)):
                if path in hidden:
                    terms[path] = terms.get(path, 0) + sign
                else:
                    constant -= sign * values[path]
            if any(abs(a) != 1 for a in terms.values()):
                continue  # a cell twice in one sum: not a sum of a report's cells
            if terms:
                for p in terms:
                    self.touching[p].append(len(self.equations))
                self.equations.append((terms, constant))

    def group(self, start: Path) -> set[Path]:
        """The hidden cells linked to `start` through equations."""
        seen, todo = {start}, [start]
        while todo:
            for index in self.touching[todo.pop()]:
                for p in self.equations[index][0]:
                    if p not in seen:
                        seen.add(p)
                        todo.append(p)
        return seen

    def _propagate(self, box: dict[Path, tuple[int, int]], equations: list[int]) -> bool:
        """Narrow `box` by the equations (each cell within what the others leave it), until
        nothing changes; False if some equation cannot hold."""
        queue = deque(equations)
        waiting = set(equations)
        while queue:
            index = queue.popleft()
            waiting.discard(index)
            terms, constant = self.equations[index]
            low = sum(box[p][0] if a > 0 else -box[p][1] for p, a in terms.items())
            high = sum(box[p][1] if a > 0 else -box[p][0] for p, a in terms.items())
            if low > constant or high < constant:
                return False
            for p, a in terms.items():
                lo, hi = box[p]
                if a > 0:  # x == constant - rest, the rest within [low - lo, high - hi]
                    nlo, nhi = max(lo, constant - (high - hi)), min(hi, constant - (low - lo))
                else:  # x == rest - constant, the rest within [low + hi, high + lo]
                    nlo, nhi = max(lo, (low + hi) - constant), min(hi, (high + lo) - constant)
                if nlo > nhi:
                    return False
                if (nlo, nhi) != (lo, hi):
                    box[p] = (nlo, nhi)
                    low += (nlo - lo) if a > 0 else -(nhi - hi)
                    high += (nhi - hi) if a > 0 else -(nlo - lo)
                    for other in self.touching[p]:
                        if other != index and other not in waiting:
                            waiting.add(other)
                            queue.append(other)
        return True

    def solution(self, box: dict[Path, tuple[int, int]], equations: list[int],
                 budget: list[int]) -> dict[Path, int] | None:
        """Whole numbers within `box` that satisfy the equations, or None (a complete search)."""
        budget[0] -= 1
        if budget[0] < 0:
            raise _Budget
        if not self._propagate(box, equations):
            return None
        free = [p for p, (lo, hi) in box.items() if lo < hi]
        if not free:
            if all(sum(a * box[p][0] for p, a in self.equations[i][0].items())
                   == self.equations[i][1] for i in equations):
                return {p: lo for p, (lo, _) in box.items()}
            return None
        pick = min(free, key=lambda p: (box[p][1] - box[p][0], p))
        lo, hi = box[pick]
        middle = (lo + hi) // 2
        for half in ((lo, middle), (middle + 1, hi)):
            found = self.solution({**box, pick: half}, equations, budget)
            if found is not None:
                return found
        return None

    def other_values(self, path: Path) -> dict[Path, int] | None:
        """Values of the hidden cells linked to `path` that fit what is published but give `path`
        another value than its own; None if there are none: then `path` can be worked out.

        If another value is possible, then (the sums being totals of parts, whose equations are
        totally unimodular) one is reached by moving each hidden cell by at most one: the
        difference of two solutions splits into steps of -1, 0 or +1 that keep to its signs. So
        the search looks within one of each cell's value only; a step it finds is a solution
        whatever the equations, so with other sums it can only err towards hiding more."""
        group = self.group(path)
        equations = sorted({i for p in group for i in self.touching[p]})
        value = self.values[path]
        lo, hi = self.bounds[path]
        budget = [SEARCH_BUDGET]
        near = {p: (max(self.bounds[p][0], self.values[p] - 1),
                    min(self.bounds[p][1], self.values[p] + 1)) for p in group}
        try:
            for other in (value - 1, value + 1):
                if lo <= other <= hi:
                    found = self.solution({**near, path: (other, other)}, equations, budget)
                    if found is not None:
                        return found
        except _Budget:
            return None
        return None


def derivable(values: Mapping[Path, int], relations: Sequence[Sum], hidden: Mapping[Path, str],
              threshold: int, known: Collection[Path] = (),
              among: Collection[Path] | None = None) -> list[Path]:
    """The hidden cells (`among` them, else all) whose value a reader can work out exactly from
    the published cells and the sums, knowing a cell hidden as below the threshold lies in
    0..threshold-1 and any other hidden cell at or above it, and the cells `known` anyway (a
    count the rules make zero)."""
    problem = _Problem(values, relations, hidden, threshold, known)
    free: set[Path] = set()  # cells seen to change in another solution
    found = []
    for path in sorted(hidden if among is None else among):
        if path in known or path in free or path[0] == SLACK:  # a slack is never published
            continue
        other = problem.other_values(path)
        if other is None:
            found.append(path)
        else:
            free |= {p for p, v in other.items() if v != values[p]}
    return found


def holds(values: Mapping[Path, int], relation: Sum) -> bool:
    """Whether the sum's numbers add up (all its cells counted)."""
    return all(p in values for p in relation.cells) and \
        sum(values[p] for p in relation.parts) == values[relation.total]


def suppress(values: Mapping[Path, int], relations: Sequence[Sum],
             threshold: int, known: Collection[Path] = (),
             unseen: Collection[Path] = ()) -> dict[Path, str]:
    """Which cells to hide and why: every cell below the threshold, and (greedily, smallest
    first) published cells of the sums until no hidden cell can be worked out exactly. `known`:
    cells whose value the reader knows anyway (hidden when below the threshold all the same);
    `unseen`: cells the reader never sees, of any value (the slacks of `at_least`)."""
    relations = [r for r in relations if holds(values, r)]
    hidden = {p: WITHHELD if p in unseen else BELOW for p in sorted(values)
              if p in unseen or values[p] < threshold}
    exposed = set(derivable(values, relations, hidden, threshold, known))
    totals = {r.total for r in relations}
    while exposed:
        target = min(exposed)
        candidates = {p for r in relations if target in r.cells for p in r.cells if p not in hidden}
        if not candidates:  # its sums are hidden whole: widen to the cells linked to it
            group = _Problem(values, relations, hidden, threshold, known).group(target)
            candidates = {p for r in relations if set(r.cells) & group
                          for p in r.cells if p not in hidden}
        if not candidates:  # hidden whole, and what "x" and "<3" say still gives it away
            chosen = target
            for p in _Problem(values, relations, hidden, threshold, known).group(target):
                hidden[p] = WITHHELD  # the reader learns nothing of their values: 0 or more
        else:
            chosen = min(candidates, key=lambda p: (values[p], p in totals, p))
            hidden[chosen] = DERIVABLE
        # only the cells linked to the one just hidden can change: the others' sums are the same
        linked = _Problem(values, relations, hidden, threshold, known).group(chosen)
        exposed = (exposed - linked) | set(derivable(values, relations, hidden, threshold, known,
                                                     linked))
    return hidden


def publish(data: Mapping[str, Any], threshold: int, declared: Sequence[tuple[str, str]],
            measured: Mapping[str, Sequence[str]], not_counted: Sequence[str],
            known: Collection[Path] = (),
            amounts: Sequence[tuple[str, str]] = (),
            at_least_declared: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The figures as published: hidden values None, and the key `published` saying which cells
    are hidden and why (in the order of the figures). `amounts`: (amount pattern, count pattern)
    pairs: an amount (a sum of francs) is hidden, for the same reason, whenever the count of what
    it sums is; so an amount table hides the same cells as its count table, and no hidden amount
    can be worked out from the totals where no hidden count can."""
    values = cells(data, [*not_counted, *measured])
    bounded, slacks = at_least(values, data, at_least_declared)
    hidden = suppress(values, [*sums(data, declared), *bounded], threshold,
                      [p for p in known if p in values], slacks)
    for slack in slacks:
        hidden.pop(slack, None)
    for value, behind in measured.items():
        path = tuple(_segments(value))
        try:
            if get(data, path) is not None and \
                    sum(get(data, tuple(_segments(b))) for b in behind) < threshold:
                hidden[path] = FEW_CASES
        except (KeyError, TypeError):
            continue  # a figure this report does not have
    for amount, count in amounts:
        for amount_path, bound in _match(dict(data), _segments(amount), {}):
            for count_path, _ in _match(dict(data), _segments(count), bound):
                if count_path in hidden:
                    hidden[amount_path] = hidden[count_path]
    result = _copy(data)
    order = {p: i for i, p in enumerate(_leaves(data))}
    for path in hidden:
        node = result
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = None
    result["published"] = {
        "threshold": threshold,
        "suppressed": [{"cell": dotted(p), "why": hidden[p]}
                       for p in sorted(hidden, key=lambda p: order.get(p, len(order)))]}
    return result


def _copy(node: Any) -> Any:
    return {k: _copy(v) for k, v in node.items()} if isinstance(node, dict) else node


def _leaves(node: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(node, dict):
        for key, inner in node.items():
            yield from _leaves(inner, (*path, str(key)))
    else:
        yield path
