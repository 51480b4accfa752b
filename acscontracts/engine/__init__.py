"""Turn a typed deal into a resolved document tree: plan -> templating -> markup -> assemble -> resolve."""
