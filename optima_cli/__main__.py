from optima_cli.cli import main

main()
