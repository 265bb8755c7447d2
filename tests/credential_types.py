"""What AWX / AAP injects for the custom credential types of extensions/aap/credential_types/.

The controller renders each injector template with Jinja2, the credential's inputs as variables; an input
left empty is the empty string. The tests give a job or an activation exactly what the type would inject.
"""

import os

import jinja2.sandbox
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = os.path.join(REPO, 'extensions', 'aap', 'credential_types')


def credential_type(name):
    with open(os.path.join(TYPES, name)) as handle:
        return yaml.safe_load(handle)


def injected(name, inputs, kind='env'):
    """The `env` (or `extra_vars`) a credential of type file `name` with these inputs injects."""
    definition = credential_type(name)
    fields = [field['id'] for field in definition['inputs']['fields']]
    unknown = set(inputs) - set(fields)
    assert not unknown, 'the type %s has no input %s' % (definition['name'], sorted(unknown))
    values = dict((field, inputs.get(field, '')) for field in fields)
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    return dict((key, environment.from_string(template).render(values))
                for key, template in definition['injectors'][kind].items())
