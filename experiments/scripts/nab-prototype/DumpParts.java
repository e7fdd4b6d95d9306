// Writes each NAB dev event's value, score and anomaly parts (surprise, likelihood, level, sustained on the score's scale,
// learning weight) as CSV for rescore_parts.py. The network seeds differ from AnomalyEval's; the anomaly parts do not
// depend on them. Run with the experiments classpath: java -cp ... DumpParts.java OUT.csv NAB_DIR/*/*.csv
import org.flinkrtrl.core.learner.*;
import org.flinkrtrl.core.anomaly.*;
import java.nio.file.*; import java.util.*; import java.io.*;
public class DumpParts {
  /** The default settings, the chart's weight from -DchartWeight (0: the detector without the sustained part). */
  static AnomalySettings settings() {
    AnomalySettings d = AnomalySettings.DEFAULTS;
    return new AnomalySettings(d.warmUp(), d.shortWindow(), d.longWindow(), d.scaleWindow(), d.refractory(), d.alarmDigits(),
      d.levelWindow(), d.levelCap(), d.protectDigits(), d.protectRun(), d.protectMax(), d.protectionWeight(), d.halfDigits(),
      d.chartWindow(), d.chartHorizon(), Double.parseDouble(System.getProperty("chartWeight", "" + d.chartWeight())));
  }

  public static void main(String[] a) throws Exception {
    PrintWriter out = new PrintWriter(a[0]);
    java.time.format.DateTimeFormatter fmt = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    for (int k = 1; k < a.length; k++) {
      List<String> lines = Files.readAllLines(Paths.get(a[k]));
      ModelConfig cfg = ModelConfig.builder().set(ModelSettings.INPUTS, 1).build();
      String key = Paths.get(a[k]).getParent().getFileName()+"/"+Paths.get(a[k]).getFileName().toString().replace(".csv","");
      ForecastingLearner f = new ForecastingLearner(cfg, ForecasterOptions.DEFAULTS, key.hashCode(), settings());
      for (int i=1;i<lines.size();i++){
        String[] p=lines.get(i).split(",");
        long t=java.time.LocalDateTime.parse(p[0],fmt).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        double v=Double.parseDouble(p[1]);
        ForecastingLearner.Result r=f.observe(t,new double[]{v});
        out.println(key+","+(i-1)+","+v+","+r.anomalyScore+","+r.surprise+","+r.likelihood+","+r.level+","+r.sustained+","+r.learnWeight);
      }
    }
    out.close();
  }
}
