# Packaging of the lab pipeline; it ran on datajoint==0.14.6 until 2025.
from setuptools import find_packages, setup

REQUIRED = [
    "numpy",
    "datajoint>=2.0.2",  # the lab's pin
]

setup(
    name="datajoint-lab-pipeline",
    version="0.3.0",
    author="Example Lab DataJoint",
    maintainer="datajoint",
    description="Pipelines built on datajoint>=0.14",
    keywords=["datajoint", "neuroscience", "datajoint==0.14"],
    url="https://example.org/datajoint",
    classifiers=["Framework :: datajoint"],
    packages=find_packages(),
    install_requires=REQUIRED,
    extras_require={"s3": ["datajoint[s3]>=2.0.2"]},
)
