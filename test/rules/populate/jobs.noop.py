# Manual findings only: a fixture pair would not change anything, so this checks the negative side.
import requests

session = requests.Session()
session.jobs = []
print(len(session.jobs))
