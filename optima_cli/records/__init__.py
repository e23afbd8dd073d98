"""What optima keeps, defined once: the tables of a case, a client, a unit, a suspension, the audit
trail and the meta values (`models`), each field of a case and a client with what is derived from it
(`fields`: the JSON key, label, import column, option, whether it is personal).

It sits below everything else: rules/, store/, workflow/, the import and cli/ read these definitions;
it imports none of them."""
