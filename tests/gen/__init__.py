"""Random inputs for the tests, in one package.

- :mod:`gen.settings`: Hypothesis settings and the test tiers (``PARAMCFG_TIER``,
  ``PARAMCFG_HYPOTHESIS_EXAMPLES``);
- :mod:`gen.literals`: literal writers (numbers, yen, rates, strings, names, codes);
- :mod:`gen.profiles`: valid profiles for a real core, with the values they set;
- :mod:`gen.cores`: whole random cores, their profiles and evaluation scenarios;
- :mod:`gen.mutations`: damaged profiles, as text and as bytes.
"""
