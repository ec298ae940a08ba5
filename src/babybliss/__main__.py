from babybliss.cli import main

raise SystemExit(main())
