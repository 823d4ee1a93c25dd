from setuptools import setup

# "datajoint==0.13.0" was used before
setup(
    name="lab",
    install_requires=["datajoint>=0.14.3", 'numpy'],
    description="""Uses "datajoint==0.14.6" pipelines""",
)
