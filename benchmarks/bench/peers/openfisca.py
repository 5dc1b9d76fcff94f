"""OpenFisca (``pip install openfisca-core``): its vectorised ``SingleAmountTaxScale`` on numpy
columns (W4), and a whole ``Simulation`` over a one-person entity with the columns ready (W9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.peers import load, not_installed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from bench.harness import Row

NAME = "OpenFisca SingleAmountTaxScale (numpy)"
SIMULATION = "OpenFisca `Simulation` (columns ready)"
PERIOD = "2024-06"  # the month of harness.ON


def absent(name: str = NAME) -> Row:
    return not_installed(name, "openfisca-core")


def load_numpy_scales() -> tuple[Any, Callable[[Iterable[tuple[int, int]]], Any]] | None:
    """(numpy, a maker of single-amount scales from (threshold, amount) brackets), or ``None``
    if OpenFisca or numpy is not installed.  A scale's ``calc(column)`` gives the amounts."""
    np = load("numpy")
    taxscales = load("openfisca_core.taxscales")
    if np is None or taxscales is None:
        return None

    def scale(brackets: Iterable[tuple[int, int]]) -> Any:
        made = taxscales.SingleAmountTaxScale()
        for threshold, amount in brackets:
            made.add_bracket(threshold, amount)
        return made

    return np, scale


def simulation(inputs: Mapping[str, type], result: str,
               formula: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any] | None:
    """A runner of a monthly OpenFisca ``Simulation`` over a one-person entity: ``inputs`` are
    its input variables (name → ``int`` or ``bool``), ``result`` the variable computed by
    ``formula`` from the input columns.  The runner takes the columns (numpy arrays), builds the
    simulation, ``set_input``s each column and ``calculate``s the result.  ``None`` if OpenFisca
    is not installed."""
    entities = load("openfisca_core.entities")
    periods = load("openfisca_core.periods")
    systems = load("openfisca_core.taxbenefitsystems")
    variables = load("openfisca_core.variables")
    simulations = load("openfisca_core.simulations")
    if None in (entities, periods, systems, variables, simulations):
        return None
    person = entities.build_entity(key="person", plural="persons", label="household",
                                   is_person=True)
    system = systems.TaxBenefitSystem([person])

    def compute(person_: Any, period: Any) -> Any:
        return formula({name: person_(name, period) for name in inputs})

    def variable(name: str, kind: type, **more: Any) -> None:
        system.add_variable(type(name, (variables.Variable,), {
            "value_type": kind, "entity": person, "definition_period": periods.DateUnit.MONTH,
            "label": name, **more}))

    for name, kind in inputs.items():
        variable(name, kind)
    variable(result, int, formula=compute)
    period = periods.period(PERIOD)

    def simulate(columns: dict[str, Any]) -> Any:
        count = len(next(iter(columns.values())))
        sim = simulations.SimulationBuilder().build_default_simulation(system, count=count)
        for name, values in columns.items():
            sim.set_input(name, period, values)
        return sim.calculate(result, period)

    return simulate
