"""The chaos suite (`make chaos`): proof that nothing is lost, nothing stuck, nothing leaked.

kills.py (SIGKILLed runs vs uninterrupted references), storm.py (mixed faults vs a clean sync),
bad_inputs.py (the bad-input catalogue of tests/), canary.py (tokens searched for everywhere);
world.py and compare.py are what they share. Not tests: a runner like bench/.
"""
