import datajoint as dj

schema = dj.Schema("lab")


def draw():
    # A handler that only reports swallows errors: the code it wraps is checked like any other.
    try:
        diagram = dj.Diagram(schema)
        diagram.draw()
    except AttributeError:
        print("no such table")


def draw_quietly():
    try:
        dj.Diagram(schema).draw()
    except (AttributeError, TypeError):
        pass


# A handler with the other version's code: both versions supported already, nothing to change.
try:
    Diagram = dj.Diagram
except AttributeError:
    Diagram = dj.ERD
