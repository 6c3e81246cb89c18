using Composer.Cli;

return await ComposerApp.RunAsync(args);
