"""Load, validate and model deal terms: loader -> schema -> rules -> model."""
