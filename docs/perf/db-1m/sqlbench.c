#include "sqlite3.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now_ms(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static void bind_all(sqlite3_stmt*s,int argc,char**argv,int first){
  for(int i=first;i<argc;i++){int k=i-first+1;
    if(argv[i][0]=='i')sqlite3_bind_int64(s,k,atoll(argv[i]+2)); else if(argv[i][0]=='u'){char b[300];snprintf(b,sizeof b,"%s\xf4\x8f\xbf\xbf",argv[i]+2);sqlite3_bind_text(s,k,b,-1,SQLITE_TRANSIENT);}
    else sqlite3_bind_text(s,k,argv[i]+2,-1,SQLITE_TRANSIENT);}
}
int main(int argc,char**argv){
  if(argc<3){fprintf(stderr,"usage: sqlbench DB SQL [i:N|t:TEXT]...  (env RUNS, NOPLAN, EXEC)\n");return 2;}
  sqlite3*db; if(sqlite3_open_v2(argv[1],&db,SQLITE_OPEN_READWRITE,0)){fprintf(stderr,"open\n");return 1;}
  sqlite3_exec(db,"pragma journal_mode=wal; pragma synchronous=normal; pragma cache_size=-8192; pragma temp_store=memory; pragma foreign_keys=on;",0,0,0);
  if(getenv("EXEC")){char*e=0;double t0=now_ms();int rc=sqlite3_exec(db,argv[2],0,0,&e);printf("exec rc=%d %s %.0f ms\n",rc,e?e:"",now_ms()-t0);sqlite3_close(db);return rc;}
  int runs=getenv("RUNS")?atoi(getenv("RUNS")):7;
  if(!getenv("NOPLAN")){
    char*q=sqlite3_mprintf("explain query plan %s",argv[2]);sqlite3_stmt*p;
    if(sqlite3_prepare_v2(db,q,-1,&p,0)){fprintf(stderr,"%s\n",sqlite3_errmsg(db));return 1;}
    bind_all(p,argc,argv,3);
    while(sqlite3_step(p)==SQLITE_ROW)printf("  plan: %d %d %s\n",sqlite3_column_int(p,0),sqlite3_column_int(p,1),sqlite3_column_text(p,3));
    sqlite3_finalize(p);
  }
  sqlite3_stmt*s; if(sqlite3_prepare_v3(db,argv[2],-1,SQLITE_PREPARE_PERSISTENT,&s,0)){fprintf(stderr,"%s\n",sqlite3_errmsg(db));return 1;}
  double*t=calloc(runs,sizeof(double));long rows=0;char first[200]="";
  for(int r=-1;r<runs;r++){
    double t0=now_ms(); bind_all(s,argc,argv,3); rows=0;
    while(sqlite3_step(s)==SQLITE_ROW){ if(rows==0){snprintf(first,sizeof first,"%s",sqlite3_column_text(s,0)?(char*)sqlite3_column_text(s,0):"NULL");} rows++;}
    sqlite3_reset(s); double d=now_ms()-t0; if(r>=0)t[r]=d;
  }
  qsort(t,runs,sizeof(double),cmp);
  printf("  sqlite median %.2f ms  min %.2f ms  rows %ld  first %s\n",t[runs/2],t[0],rows,first);
  sqlite3_finalize(s); sqlite3_close(db);
  return 0;
}
