using LineConnector.Functions.Admin;
using LineConnector.Functions.Chat;
using LineConnector.Functions.Cost;
using LineConnector.Functions.Enquiries;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.Privacy;
using LineConnector.Functions.OperatorConsole;
using LineConnector.Functions.Playground;
using LineConnector.Functions.QueueTriggers;
using LineConnector.Functions.Transformers;
using LineConnector.Functions.Translation;
using LineConnector.Functions.Webhook;

var builder = WebApplication.CreateSlimBuilder(args);
ConnectorHost.Configure(builder);

var app = builder.Build();
// Every route's refusals and failures become problem details in one place (ProblemExceptionHandler).
app.UseExceptionHandler();
app.UseMiddleware<ConsoleAccess>();
app.UseRouting();
app.MapHealth();
app.MapLineWebhook();
app.MapQueueTriggers();
app.MapChannelAdmin();
app.MapEnquiryApi();
app.MapEnquiryMoves();
app.MapEnquiryInject();
app.MapLineExtras();
app.MapCost();
app.MapTransformerTest();
app.MapChannelNotify();
app.MapManageConversation();
app.MapEnquiryLanguage();
app.MapUserErasure();
app.MapDataRetention();
app.MapConsoleApi();
app.MapConsoleReports();
app.MapConsole();
app.MapPlayground();
app.Run();

/// <summary>The function app's entry point (named for the test host).</summary>
public partial class Program;
