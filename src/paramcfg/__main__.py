from paramcfg.cli import main

raise SystemExit(main())
