// The model pipeline's command line (see Cli and models/README.md).
return FapiHub.ModelBuilder.Cli.Run(args, Console.Out, Console.Error);
