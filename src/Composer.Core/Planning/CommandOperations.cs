
namespace Composer.Core.Planning;

public sealed record KillContainer(string Name, string Signal) : Operation { public override string Id => $"kill:{Name}"; public override EndpointChange EndpointChange => EndpointChange.Leave; public override string Describe() => $"kill container {Name} ({Signal})"; }
public sealed record RestartContainer(string Name, TimeSpan? Timeout) : Operation { public override string Id => $"restart:{Name}"; public override EndpointChange EndpointChange => EndpointChange.Join; public override string Describe() => $"restart container {Name}"; }

public sealed record BuildImage(string Image, Model.BuildSpec Build) : Operation { public override string Id => $"build:{Image}"; public override string Describe() => $"build image {Image}"; }
