import java.util.*;
public class Alloc {
  public static void main(String[] a) throws Exception {
    List<byte[]> keep = new ArrayList<>();
    Random r = new Random(1);
    for (int i = 0; i < 400000; i++) {
      byte[] b = new byte[r.nextInt(4096)];
      if (i % 7 == 0) keep.add(b);
      if (keep.size() > 20000) keep.subList(0, 10000).clear();
      if (i % 100000 == 0) System.gc();
    }
    System.out.println(keep.size());
  }
}
