using Composer.Cli;

CommandTimings.MainStarted();
if (DockerCliPlugin.TryAnswer(ref args)) return ExitCodes.Ok;
var exitCode = await ComposerApp.RunAsync(args);
CommandTimings.MainEnded();
return exitCode;
