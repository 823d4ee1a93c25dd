"""A lab that keeps its schema in setup.py: Python code for every rule, and packaging because it calls setup()."""
import datajoint as dj
from setuptools import setup

schema = dj.schema("lab_pipeline")


@schema
class Subject(dj.Manual):
    definition = """
    subject : varchar(16)
    ---
    weight : float
    """


def heavy():
    return (Subject & "weight > 30").fetch("KEY")


if __name__ == "__main__":
    setup(
        name="lab-pipeline",
        author="Example Lab DataJoint",
        keywords=["datajoint", "datajoint==0.14"],
        description="A datajoint==0.14.6 pipeline",
        install_requires=["numpy", "datajoint==0.14.6"],
    )
