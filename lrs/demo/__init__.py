"""Demo data for a first look (`make run`): the example definitions and generated, clearly
marked, pseudonymous learners and statements (`lernspur demo seed`, `lernspur demo clear`)."""
