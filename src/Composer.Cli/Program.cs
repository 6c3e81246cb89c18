using Composer.Cli;

if (DockerCliPlugin.TryAnswer(ref args)) return ExitCodes.Ok;
return await ComposerApp.RunAsync(args);
