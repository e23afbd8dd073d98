"""`optima import`, in the order it happens: `sheet` reads the file, `columns` checks each row's
cells, `rows` applies the rows through the same decisions as the commands."""
