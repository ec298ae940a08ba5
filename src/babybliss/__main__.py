from babybliss.cli.commands import main

raise SystemExit(main())
