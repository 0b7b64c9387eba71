"""The xAPI statement model: validation, formats, vocabulary and mapping. No Flask, no database."""
