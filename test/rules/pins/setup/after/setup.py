from setuptools import setup

# "datajoint==0.13.0" was used before
setup(
    name="lab",
    install_requires=["datajoint>=2.0.2", 'numpy'],
    description="""Uses "datajoint==0.14.6" pipelines""",
)
