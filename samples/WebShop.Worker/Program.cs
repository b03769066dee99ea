// Placeholder until the web sample lands (issue 14); replaced by the sample itself.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
