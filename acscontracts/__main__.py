from acscontracts.cli import main

main()
