"""`optima demo`: the invented data of the pilot 2018-2022 (`data`) and the demo database built from it
through the import (`build`). Above the import and the workflow, which know nothing of it."""
